/**
 * The API's one timestamp format: RFC 3339 in UTC (`2026-12-03T13:00:00.000Z`). Every instant in a response is
 * declared with `instant`, so the OpenAPI document says `format: date-time` everywhere; bank times are converted to
 * it in each bank's mapping (src/banks/time.ts). Calendar dates (due dates, São Paulo days) stay `YYYY-MM-DD`.
 */
import { z } from 'zod';

export const instant = z
  .string()
  .meta({ format: 'date-time', description: 'RFC 3339 instant in UTC', example: '2026-12-03T13:00:00.000Z' });
