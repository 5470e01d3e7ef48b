// "Study stable" detection: a study whose last instance arrived longer ago than the quiet time and
// that has not been announced since. Due studies are claimed with a lease so that several
// processes on one PostgreSQL never announce the same change twice at once, and marked announced
// only after the announcement was accepted (at least once, never lost).
import type { Logger } from '../../engine/index.ts';
import type { IndexDb } from './index-db.ts';

export type StudyStableEvent = {
  event: 'study.stable';
  studyInstanceUid: string;
  accessionNumber: string | null;
  patientId: string;
  issuerOfPatientId: string;
  studyDate: string | null;
  studyDescription: string | null;
  modalitiesInStudy: string[];
  numberOfStudyRelatedSeries: number;
  numberOfStudyRelatedInstances: number;
  sizeBytes: number;
  /** When the first and the latest instance arrived (ISO 8601). */
  firstReceivedAt: string;
  lastReceivedAt: string;
  /** True when the study was announced before and has received instances since. */
  updated: boolean;
};

type Claimed = StudyStableEvent & { id: number; version: string };

/** Claims up to `limit` studies quiet for `quietMs`, each for `leaseMs`. */
export async function claimStableStudies(db: IndexDb, o: { quietMs: number; leaseMs: number; limit: number }): Promise<Claimed[]> {
  const { rows } = await db.query<Claimed>(
    `with due as (
       select id from studies
        where (stable_announced_at is null or stable_announced_at < updated_at)
          and updated_at < now() - make_interval(secs => $1::float8 / 1000)
          and (stability_lease_until is null or stability_lease_until < now())
        order by updated_at limit $3 for update skip locked)
     update studies s set stability_lease_until = now() + make_interval(secs => $2::float8 / 1000)
       from due, patients p
      where s.id = due.id and p.id = s.patient_ref
     returning s.id, s.updated_at::text as version, 'study.stable' as event, s.study_uid as "studyInstanceUid",
       s.accession as "accessionNumber", p.patient_id as "patientId", p.issuer as "issuerOfPatientId",
       s.study_date as "studyDate", s.description as "studyDescription", to_jsonb(s.modalities) as "modalitiesInStudy",
       s.num_series as "numberOfStudyRelatedSeries", s.num_instances as "numberOfStudyRelatedInstances", s.size_bytes as "sizeBytes",
       to_char(s.received_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "firstReceivedAt",
       to_char(s.updated_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') as "lastReceivedAt",
       s.stable_announced_at is not null as updated`,
    [o.quietMs, o.leaseMs, o.limit],
    { name: 'dicom-claim-stable-studies' },
  );
  return rows;
}

/** Marks the claimed version announced; an instance that arrived meanwhile makes the study due again. */
export async function markStudyAnnounced(db: IndexDb, id: number, version: string): Promise<void> {
  await db.query('update studies set stable_announced_at = $2::timestamptz, stability_lease_until = null where id = $1', [id, version], { name: 'dicom-mark-study-announced' });
}

/** Gives a claim back at once (the announcement failed): the study is tried again next round. */
export async function releaseStudyClaim(db: IndexDb, id: number): Promise<void> {
  await db.query('update studies set stability_lease_until = null where id = $1', [id], { name: 'dicom-release-study-claim' });
}

export type StudyStabilityOptions = {
  db: IndexDb;
  log: Logger;
  quietMs: number;
  /** Publishes the event; false or a throw leaves the study due, to be tried again. */
  announce: (event: StudyStableEvent) => Promise<boolean>;
  /** How often to look; default a quarter of the quiet time, between 250 ms and 15 s. */
  intervalMs?: number;
};

/** Looks for stable studies on a timer and announces each. */
export class StudyStabilityWatcher {
  private readonly o: StudyStabilityOptions;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(o: StudyStabilityOptions) {
    this.o = o;
  }

  start(): void {
    const every = this.o.intervalMs ?? Math.min(15_000, Math.max(250, this.o.quietMs / 4));
    const tick = () => {
      if (this.stopped) return;
      this.running = this.runOnce()
        .then(() => undefined)
        .catch((err: unknown) => this.o.log.error({ err }, 'study stability check failed'))
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, every);
        });
    };
    this.timer = setTimeout(tick, every);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** One round: claims due studies and announces them; returns how many were announced. */
  async runOnce(): Promise<number> {
    let announced = 0;
    for (;;) {
      const claimed = await claimStableStudies(this.o.db, { quietMs: this.o.quietMs, leaseMs: 60_000, limit: 50 });
      for (const { id, version, ...event } of claimed) {
        let accepted = false;
        try {
          accepted = await this.o.announce(event);
        } catch (err) {
          this.o.log.warn({ err, studyRef: id }, 'study stable event not accepted; will retry');
        }
        if (accepted) {
          await markStudyAnnounced(this.o.db, id, version);
          announced++;
        } else {
          await releaseStudyClaim(this.o.db, id);
          return announced; // the receiver is not taking events now: try again next round
        }
      }
      if (claimed.length < 50 || this.stopped) return announced;
    }
  }
}
