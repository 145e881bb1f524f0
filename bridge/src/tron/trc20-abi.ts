/**
 * The TRC-20 calls the wallet policy understands, by their 4-byte selector (as in ERC-20). Here,
 * below both the configuration (which names allowed methods per token) and the wallet's decoder.
 */
export const TRC20_SELECTORS = {
  transfer: "a9059cbb",
  transferFrom: "23b872dd",
  approve: "095ea7b3",
  increaseAllowance: "39509351",
} as const;
export type Trc20Method = keyof typeof TRC20_SELECTORS;
export const TRC20_METHODS = Object.keys(TRC20_SELECTORS) as Trc20Method[];

/** uint256 max: an "unlimited" allowance in every wallet UI. */
export const UINT256_MAX = (1n << 256n) - 1n;
