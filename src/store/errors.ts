/** Errors of the snapshot store; the API maps them to 400 / 404 / 409. */
import { PermanentError } from '../errors.js';

/** A string that is not a snapshot id (checked before any file is touched). */
export class InvalidSnapshotIdError extends PermanentError {
  constructor(readonly value: string) {
    super(
      `"${value.length > 80 ? value.slice(0, 80) + '…' : value}" is not a snapshot id (expected e.g. 20261127T030000Z-3f9a2c1b)`,
    );
    this.name = 'InvalidSnapshotIdError';
  }
}

export class SnapshotNotFoundError extends PermanentError {
  constructor(readonly id: string) {
    super(`snapshot ${id} does not exist (or was pruned)`);
    this.name = 'SnapshotNotFoundError';
  }
}

/** There is no latest snapshot yet. */
export class NoLatestSnapshotError extends PermanentError {
  constructor() {
    super('no snapshot has been published yet');
    this.name = 'NoLatestSnapshotError';
  }
}

/** A stored file does not match its manifest: the snapshot must not be served or rolled back to. */
export class SnapshotIntegrityError extends Error {
  constructor(
    readonly id: string,
    readonly problems: string[],
  ) {
    super(`snapshot ${id} failed its integrity check: ${problems.slice(0, 5).join('; ')}`);
    this.name = 'SnapshotIntegrityError';
  }
}
