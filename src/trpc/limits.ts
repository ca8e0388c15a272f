/**
 * The most procedure calls one tRPC request may carry. The server refuses a larger batch with 400
 * before running any of it (an unbounded batch lets one request queue thousands of database calls);
 * the browser client splits its batches at the same size, so the pages never meet the refusal.
 */
export const TRPC_MAX_BATCH = 16;
