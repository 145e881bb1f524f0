/** A transaction as the policy sees it: its id and its one contract, decoded. */
export type DecodedContract =
  | { type: "TransferContract"; owner: string; to: string; amountSun: bigint }
  | {
      type: "TriggerSmartContract";
      owner: string;
      contract: string;
      callValueSun: bigint;
      /** The call data, hex (empty for a plain TRX payment to a contract). */
      data: string;
      /** TRC-10 tokens sent along with the call. */
      callTokenValue: bigint;
      tokenId: bigint;
    };

/** Transaction.raw's other fields as read (absent when not encoded). */
export type TransactionHeader = {
  refBlockBytes: Buffer | undefined;
  refBlockNum: bigint | undefined;
  refBlockHash: Buffer | undefined;
  expiration: bigint | undefined;
  memo: Buffer | undefined;
  timestamp: bigint | undefined;
  feeLimit: bigint | undefined;
};

export type DecodedTransaction = { txID: string; header: TransactionHeader; contract: DecodedContract };
