/**
 * The TRON contract types the wallet's decoder reads, by their Transaction.Contract.ContractType
 * number. Here, below both the configuration and the wallet, so the setting that lists allowed
 * types and the decoder that reads them share one table without importing each other.
 */
export const DECODABLE_TYPES = { TransferContract: 1n, TriggerSmartContract: 31n } as const;
export type DecodableType = keyof typeof DECODABLE_TYPES;
