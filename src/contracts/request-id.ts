/** The Temporal header carrying the HTTP request id (see src/temporal/request-id.ts). */
export const REQUEST_ID_HEADER = 'boletoflow-request-id';
