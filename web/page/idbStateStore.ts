import {
  decodeTrainState,
  encodeTrainState,
  type MinerState,
  parseMinerState,
  type StateStore,
  serializeMinerState,
  type TrainState,
  trainFileName,
  unreferencedTrainFiles,
} from '../../miner/stateStore.ts'

const DB = 'crowdtrain'
const FILES = 'files'

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result)
    r.onerror = () => reject(r.error)
  })
}

function openDb(): Promise<IDBDatabase> {
  const open = indexedDB.open(DB, 1)
  open.onupgradeneeded = () => open.result.createObjectStore(FILES)
  return request(open)
}

/**
 * A miner's state in the browser's IndexedDB (database `crowdtrain`, one record per file under
 * `<name>/`), in the same formats as the files of `createStateStore`: a reloaded tab continues
 * where it stopped. Each write is one IndexedDB transaction (atomic).
 */
export function createIdbStateStore(name: string): StateStore {
  const db = openDb()
  const key = (file: string) => `${name}/${file}`
  const get = async (file: string): Promise<unknown> =>
    request((await db).transaction(FILES, 'readonly').objectStore(FILES).get(key(file)))
  const put = async (file: string, value: string | Uint8Array): Promise<void> => {
    const tx = (await db).transaction(FILES, 'readwrite')
    tx.objectStore(FILES).put(value, key(file))
    await new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve()
      tx.onerror = () => reject(tx.error)
    })
  }
  const where = (file: string) => `IndexedDB ${DB}/${key(file)}`
  return {
    dir: `indexeddb:${DB}/${name}`,
    async load(expect) {
      const text = await get('miner-state.json')
      if (text === undefined) return { v: 1, ...expect, rounds: [] }
      return parseMinerState(typeof text === 'string' ? text : '', expect, where('miner-state.json'))
    },
    async save(state: MinerState) {
      await put('miner-state.json', serializeMinerState(state))
    },
    async saveTrain(round: number, train: TrainState) {
      const file = trainFileName(round)
      await put(file, encodeTrainState(train))
      return file
    },
    async loadTrain(state: MinerState, shard: number) {
      const ref = state.trains?.find((t) => t.shard === shard)
      if (!ref) return undefined
      const bytes = await get(ref.file)
      return decodeTrainState(bytes instanceof Uint8Array ? bytes : new Uint8Array(0), shard, where(ref.file))
    },
    async prune(state: MinerState) {
      const store = (await db).transaction(FILES, 'readwrite').objectStore(FILES)
      const mine = ((await request(store.getAllKeys())) as string[]).filter((k) => k.startsWith(key('')))
      const names = mine.map((k) => k.slice(key('').length))
      for (const file of unreferencedTrainFiles(names, state)) store.delete(key(file))
    },
  }
}
