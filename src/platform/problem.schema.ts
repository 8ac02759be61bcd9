import { Type } from 'typebox';

/** RFC 9457 problem+json as a route response schema (OpenAPI). */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    instance: Type.String(),
    code: Type.String(),
  },
  { additionalProperties: true, description: 'RFC 9457 problem+json' },
);

/** The problems every koppelvlak route can answer (documented; answers are written as they are). */
export const PROBLEMEN = {
  400: ProblemSchema,
  401: ProblemSchema,
  403: ProblemSchema,
  404: ProblemSchema,
} as const;
export const plainJson = { serializerCompiler: () => (data: unknown) => JSON.stringify(data) };
