/**
 * Exit codes of every careerdata command, defined once (the README's table says the same):
 * 0 success, or a refresh that found nothing new (`unchanged`); 1 a run failed or was blocked by a
 * quality gate, or an operation failed; 2 a usage or configuration error (unknown option, bad
 * option value, invalid environment variable).
 */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
