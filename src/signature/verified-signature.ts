/** What a successful check tells the caller. */
export interface VerifiedSignature {
  /** The header's `t`, in milliseconds since the epoch. */
  timestampMs: number;
  /** Which of the configured secrets matched (0 unless rotating): useful to see when an old secret can go. */
  secretIndex: number;
}
