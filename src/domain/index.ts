/**
 * The workflow-safe boleto domain library: pure, deterministic functions (no I/O, no clock, no randomness, no Node
 * built-ins), importable from Temporal workflow code. The PDF renderer lives in ./pdf and is deliberately NOT
 * exported here (it uses pdfkit/bwip-js/qrcode and Node streams).
 */
export * from './errors';
export * from './check-digits';
export * from './dates';
export * from './money';
export * from './fator';
export * from './barcode';
export * from './linha';
export * from './boleto';
export * from './documents';
export * from './crc16';
export * from './pix';
export * from './calendar';
export * from './banks/itau';
export * from './banks/bs2';
export * from './banks/sicoob';
