-- Durable background jobs (identification retries, SBB verification, recomputation, deliveries).
-- Claimed with FOR UPDATE SKIP LOCKED; a job whose lease expires (a worker died) is claimed again.
-- At-least-once: handlers must be idempotent.
create table job (
  id bigserial primary key,
  soort text not null,
  sleutel text,
  data jsonb not null default '{}'::jsonb,
  status text not null default 'wachtend' check (status in ('wachtend', 'bezig', 'klaar', 'mislukt')),
  pogingen integer not null default 0,
  max_pogingen integer not null default 25,
  volgende_poging timestamptz not null default clock_timestamp(),
  locked_until timestamptz,
  laatste_fout text,
  created_at timestamptz not null default clock_timestamp(),
  updated_at timestamptz not null default clock_timestamp()
);
-- One open job per (soort, sleutel): enqueueing the same work twice is a no-op.
create unique index job_sleutel_open on job (soort, sleutel) where sleutel is not null and status in ('wachtend', 'bezig');
create index job_te_doen on job (volgende_poging) where status in ('wachtend', 'bezig');
