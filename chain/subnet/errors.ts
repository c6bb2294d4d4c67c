import { BaseError } from '../../shared/errors/index.ts'

/** A subnet document that does not match the chain state pointing to it (treasury, asset, netuid). */
export class SubnetDocumentMismatchError extends BaseError {
  override name = 'SubnetDocumentMismatchError'
  constructor(netuid: number, field: string, inDocument: unknown, onChain: unknown) {
    super(
      'subnet.document-mismatch',
      `Subnet ${netuid}'s document says ${field} is ${String(inDocument)}, the chain says ${String(onChain)}.`,
      {
        details: 'The class metadata points to a document of another subnet; do not trust it.',
        meta: { netuid, field },
      },
    )
  }
}

/** Arguments to create a subnet that cannot make a working one. */
export class InvalidSubnetParametersError extends BaseError {
  override name = 'InvalidSubnetParametersError'
  constructor(reason: string) {
    super('subnet.invalid-parameters', `Cannot create the subnet: ${reason}.`)
  }
}

/** createSubnet did not follow the expected order (spawn the treasury, then create the class). */
export class SubnetCreationOrderError extends BaseError {
  override name = 'SubnetCreationOrderError'
  constructor(reason: string) {
    super('subnet.creation-order', `The subnet document could not be written in time: ${reason}.`, {
      details:
        'createNetworkSubnet writes the document after the treasury is spawned; chain/actions/createSubnet changed.',
    })
  }
}

/** The ledger of the newest settled round could not be fetched, parsed, or is for another round. */
export class InvalidLedgerError extends BaseError {
  override name = 'InvalidLedgerError'
  constructor(cid: string, reason: string, cause?: unknown) {
    super('subnet.invalid-ledger', `The round ledger ${cid} is not usable: ${reason}.`, { cause, meta: { cid } })
  }
}
