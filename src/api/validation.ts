/** zod issues → the field list of a validation problem (`body.payer.document: Invalid CPF`). */
import type { z } from 'zod';
import type { FieldProblem } from './problem';

export function zodFieldProblems(where: 'body' | 'query' | 'params' | 'headers', error: z.ZodError): FieldProblem[] {
  return error.issues.map((i) => {
    const path = [where, ...i.path.map(String)].join('.');
    if (i.code === 'unrecognized_keys') {
      return { field: path, reason: `unknown field(s): ${i.keys.join(', ')}` };
    }
    return { field: path, reason: i.message };
  });
}
