/**
 * Errors: one AppError with a kind and a stable code, mapped to RFC 9457 problem+json by the single
 * handler in app.ts. Expected domain outcomes are returned as values, not thrown.
 */
export type AppErrorKind =
  | 'invalid'
  | 'unauthorized'
  | 'forbidden'
  | 'not-found'
  | 'conflict'
  | 'unprocessable'
  | 'unsupported-media-type'
  | 'unavailable';

export const STATUS_BY_KIND: Record<AppErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  unprocessable: 422,
  'unsupported-media-type': 415,
  unavailable: 503,
};

export type ProblemExtras = Record<string, unknown>;

export class AppError extends Error {
  readonly kind: AppErrorKind;
  readonly code: string;
  readonly title: string;
  readonly detail: string;
  readonly extras: ProblemExtras;

  constructor(args: {
    kind: AppErrorKind;
    code: string;
    title: string;
    detail: string;
    extras?: ProblemExtras;
  }) {
    super(args.detail);
    this.kind = args.kind;
    this.code = args.code;
    this.title = args.title;
    this.detail = args.detail;
    this.extras = args.extras ?? {};
  }
}

/** Builds an RFC 9457 problem document. `type` is a stable URI per code. */
export function problem(args: {
  status: number;
  code: string;
  title: string;
  detail: string;
  instance: string;
  extras?: ProblemExtras;
}): Record<string, unknown> {
  return {
    type: `https://mbo-register.nl/problemen/${args.code}`,
    title: args.title,
    status: args.status,
    detail: args.detail,
    instance: args.instance,
    code: args.code,
    ...args.extras,
  };
}

/** An id as the client sent it, for an error text: a number is echoed, anything else (control characters…) is not. */
export function toonId(id: string): string {
  return /^[0-9]{1,20}$/.test(id) ? id : '(ongeldig id)';
}
