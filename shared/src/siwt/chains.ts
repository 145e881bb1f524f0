export const TRON_CHAINS = {
  mainnet: "tron:728126428",
  nile: "tron:3448148188",
  shasta: "tron:2494104990",
} as const;
