/** Boleto PDF rendering (Node-only: pdfkit, bwip-js, qrcode). Import from activities, the API or the CLI — never from workflows. */
export { renderBoletoPdf, checkBoletoPdfInput, bankCodeDv } from './render';
export { boletoPdfSchema, type BoletoPdfInput, type BoletoPdfData } from './schema';
