import type { Kysely, Transaction } from 'kysely';
import type { DB } from './db-schema.ts';

/** A query executor: the database handle or an open transaction. Repositories take it first. */
export type Executor = Kysely<DB> | Transaction<DB>;
