/**
 * The error codes Node's sockets and DNS give a request that never got an answer: a network failure, worth a
 * retry, whatever the protocol above. Each adapter adds the codes of its own HTTP stack.
 */
export const SOCKET_ERROR_CODES: readonly string[] = [
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ETIMEDOUT',
  'EPIPE',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
];
