/** Validates real responses against the served OpenAPI 3.1 document (JSON Schema 2020-12 via ajv). */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { expect } from 'vitest';

const escape = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

export class OpenApiValidator {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });

  constructor(private readonly doc: { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> }) {
    addFormats(this.ajv);
    this.ajv.addSchema(doc, 'openapi.json');
  }

  /** Asserts that `body` is what the document promises for this operation and status. */
  expectValid(method: string, templatePath: string, status: number, contentType: string, body: unknown): void {
    const op = this.doc.paths[templatePath]?.[method];
    expect(op, `${method.toUpperCase()} ${templatePath} is in the OpenAPI document`).toBeDefined();
    const response = op!.responses[String(status)] as { content?: Record<string, { schema: unknown }> } | undefined;
    expect(response, `${method.toUpperCase()} ${templatePath} documents status ${status}`).toBeDefined();
    const media = contentType.split(';')[0]!.trim();
    expect(response!.content?.[media], `${status} documents ${media}`).toBeDefined();
    const ref = `openapi.json#/paths/${escape(templatePath)}/${method}/responses/${status}/content/${escape(media)}/schema`;
    const validate = this.ajv.compile({ $ref: ref });
    const ok = validate(body);
    expect(ok, `${method.toUpperCase()} ${templatePath} ${status}: ${this.ajv.errorsText(validate.errors)}`).toBe(true);
  }
}
