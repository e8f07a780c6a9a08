/** What the store's pieces (reading, the publish transaction, maintenance, the lock) share. */
import type { Logger } from '../log.js';
import type { DamagedList } from './damaged.js';
import type { StoreHistory } from './history.js';
import type { SnapshotReader } from './snapshotReader.js';

export interface StoreParts {
  dir: string;
  log: Logger;
  now: () => Date;
  history: StoreHistory;
  damagedList: DamagedList;
  reader: SnapshotReader;
}
