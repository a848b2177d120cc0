import type { StoreEngine } from '../../../src/store/store-engine.js'
import { SqliteStore } from '../../../src/store/sqlite/sqlite-store.js'

/**
 * An engine of the tests' own, as a new engine would be added: its folder, and one registration
 * (`registerEngine`). `fake://<name>` opens a store kept in memory; `opened` lists the names.
 */
export const fakeEngine: StoreEngine & { opened: string[] } = {
  name: 'Fake',
  opened: [],
  ownsString: (database) => database.startsWith('fake://'),
  open(database, { table }) {
    fakeEngine.opened.push(String(database).slice('fake://'.length))
    return new SqliteStore({ database: ':memory:', table })
  },
}
