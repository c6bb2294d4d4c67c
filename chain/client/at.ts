import type { ChainClient } from './connect.ts'

/** The client reading state as of one block (state queries only; pruned state fails). */
export async function clientAt(client: ChainClient, blockHash: string): Promise<ChainClient> {
  return { ...client, api: (await client.api.at(blockHash)) as unknown as ChainClient['api'] }
}

/** The hash of a block by number. */
export async function blockHash(client: ChainClient, block: number): Promise<string> {
  return (await client.api.rpc.chain.getBlockHash(block)).toHex()
}
