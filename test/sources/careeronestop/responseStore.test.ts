import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  FileResponseStore,
  SecretLeakError,
  type StoredResponse,
} from '../../../src/sources/careeronestop/responseStore.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'careerdata-cos-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const entry = (over: Partial<StoredResponse> = {}): StoredResponse => ({
  endpoint: 'training',
  soc: '29-2072',
  location: 'US',
  params: { keyword: '29-2072.00', location: 'US', pageSize: 10, programs: 10 },
  requests: ['/v1/training/{userId}/29-2072.00/US/0/0/0/0/0/0/0/0/0/10'],
  fetchedAt: '2026-01-09T00:00:00.000Z',
  status: 'ok',
  body: {
    RecordCount: 1,
    SchoolPrograms: [{ SchoolName: 'A', ProgramName: 'P', Latitude: 1, Longitude: 2 }],
  },
  ...over,
});

describe('FileResponseStore', () => {
  it('round-trips an entry under careeronestop/<endpoint>/<key>.json without coordinates or temp files', async () => {
    const store = new FileResponseStore(dir);
    await store.put(entry());
    const file = path.join(dir, 'careeronestop', 'training', '29-2072_US.json');
    expect(JSON.parse(await readFile(file, 'utf8')).body.SchoolPrograms[0]).toEqual({
      SchoolName: 'A',
      ProgramName: 'P',
    });
    expect(await readdir(path.dirname(file))).toEqual(['29-2072_US.json']);
    const got = await store.get('training', '29-2072', 'US');
    expect(got?.params).toEqual(entry().params);
    expect(await store.get('training', '29-2072', 'TX')).toBeUndefined();
  });

  it('refuses to write an entry that contains a credential', async () => {
    const store = new FileResponseStore(dir, { secrets: ['tok-SECRET-456'] });
    await expect(store.put(entry({ requests: ['/v1/x?token=tok-SECRET-456'] }))).rejects.toBeInstanceOf(
      SecretLeakError,
    );
    expect(await store.get('training', '29-2072', 'US')).toBeUndefined();
  });

  it('treats a torn file as absent instead of failing the run', async () => {
    const store = new FileResponseStore(dir);
    await store.put(entry({ endpoint: 'occupation', location: undefined }));
    await writeFile(store.fileFor('occupation', '29-2072'), '{"endpoint": "occ');
    expect(await store.get('occupation', '29-2072')).toBeUndefined();
  });
});
