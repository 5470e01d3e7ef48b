// The composition root: builds every component from the configuration, starts them in a fixed
// order, and stops them in reverse. The only place that knows all the folders.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Config } from './config.ts';
import { openDatabase } from './database.ts';
import type { Database } from './database.ts';
import { lockDataDir } from './data-dir-lock.ts';
import type { DataDirLock } from './data-dir-lock.ts';
import { createLogger } from './logger.ts';
import type { Logger } from './logger.ts';
import { migrate } from './migrate.ts';
import { ensureFirstAdmin } from './auth/users.ts';
import { registerAuthRoutes } from './auth/auth-routes.ts';
import { registerUserRoutes } from './auth/user-routes.ts';
import { registerAuditRoutes } from './audit-routes.ts';
import { ApiRouter } from './http/api-router.ts';
import { createHttpApp, listen } from './http/server.ts';
import type { HttpListener } from './http/server.ts';
import { createMetrics } from './http/metrics.ts';
import { Engine, EngineRegistry } from '../engine/index.ts';
import { createFhirOrderRepository, createProcedureStepDispatcher, registerChannelFunctions, shippedChannels } from '../channels/index.ts';
import { channelInboxRouter, registerEngineRoutes } from './engine-routes.ts';
import { registerEngineMetrics } from './engine-metrics.ts';
import {
  createEchoScp,
  createFindScp,
  createGetScp,
  createMoveScp,
  createMppsScp,
  createStoreScp,
  createWorklistFindScp,
  createStorageCommitmentScp,
  DicomListener,
  FilesystemBlobStore,
  InstanceIngest,
  PeerDirectory,
  restrictFind,
  restrictStore,
  seedPeers,
  StudyStabilityWatcher,
} from '../dicom/index.ts';
import type { InstanceStoredEvent } from '../dicom/index.ts';
import { registerDicomRoutes } from './dicom-routes.ts';
import { registerWorklistRoutes } from './worklist-routes.ts';
import { registerReportRoutes } from './report-routes.ts';
import { registerPeerRoutes } from './peer-routes.ts';
import { FHIR_BASE_PATH, fhirRouter } from './fhir-routes.ts';
import { DICOMWEB_PATH, dicomWebCors, dicomWebRouters, WADO_URI_PATH } from './dicomweb-routes.ts';

export const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const ADMIN_UI_DIR = fileURLToPath(new URL('../admin-ui/dist/', import.meta.url));

export type RunningAppliance = {
  ports: { http: number; mllp: number | undefined; dicom: number };
  engine: Engine;
  url: string;
  db: Database;
  log: Logger;
  stop(): Promise<void>;
};

export type StartOptions = {
  log?: Logger;
  /** Where the generated first admin password is shown (once). Default: stdout. */
  announce?: (text: string) => void;
  /** Called after each new DICOM instance is stored and indexed (the hook for events into the engine). */
  onInstanceStored?: (event: InstanceStoredEvent) => void | Promise<void>;
};

export async function startAppliance(config: Config, opts: StartOptions = {}): Promise<RunningAppliance> {
  const log = opts.log ?? createLogger(config.logLevel);
  const announce = opts.announce ?? ((text: string) => process.stdout.write(text + '\n'));
  const stack: { name: string; stop: () => Promise<void> | void }[] = [];
  const stopAll = async () => {
    for (const { name, stop } of stack.reverse()) {
      try {
        await stop();
      } catch (err) {
        log.error({ err, component: name }, 'error while stopping');
      }
    }
    stack.length = 0;
  };

  try {
    // Only the embedded database is single-process; with PostgreSQL several processes share the data folder.
    let lock: DataDirLock | undefined;
    if (!config.databaseUrl) {
      const locked = lockDataDir(config.dataDir);
      if (!locked.ok) throw new Error(locked.error.message);
      lock = locked.value;
      stack.push({ name: 'data-dir-lock', stop: () => lock?.release() });
    }

    const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir, log });
    stack.push({ name: 'database', stop: () => db.close() });
    const applied = await migrate(db);
    if (applied.length) log.info({ applied }, 'database migrated');

    const admin = await ensureFirstAdmin(db, config.adminPassword);
    if (admin.created) {
      log.info('created the first user, admin');
      if (admin.generatedPassword) {
        announce(`\n  First start: created user "admin" with password ${admin.generatedPassword}\n  It is shown only this once: log in and change it.\n`);
      }
    }

    const registry = new EngineRegistry();
    registerChannelFunctions(registry, { aeTitle: config.aeTitle });
    const engine = new Engine({
      db,
      registry,
      log: log.child({ component: 'engine' }),
      host: config.host,
      vars: { PACS_MLLP_PORT: String(config.mllpPort), PACS_HOST: config.host, PACS_AE_TITLE: config.aeTitle },
    });
    // PACS_RESULTS_MLLP seeds the procedure-steps channel's ordering-system destinations, PACS_FHIR_UPSTREAM the
    // results channel's DiagnosticReport destination (first start only).
    await engine.start(shippedChannels({ orderingSystemMllp: config.resultsMllp, resultsMllp: config.resultsMllp, fhirUpstream: config.fhirUpstream }));
    stack.push({ name: 'engine', stop: () => engine.stop() });

    // The DICOM archive: the hot storage tier in PACS_DATA_DIR/storage, and one DIMSE listener.
    const dicomLog = log.child({ component: 'dicom' });
    const hot = new FilesystemBlobStore({ name: 'hot', root: join(config.dataDir, 'storage') });
    await hot.open();
    const ingest = new InstanceIngest({ db, store: hot, log: dicomLog });
    // The DICOM peers registry, brought in line with PACS_DICOM_PEERS (peers an admin edited are kept).
    const seeded = await seedPeers(db, config.dicomPeers);
    if (seeded.added.length + seeded.updated.length + seeded.removed.length) log.info({ ...seeded }, 'DICOM peers seeded from PACS_DICOM_PEERS');
    if (seeded.kept.length) log.info({ kept: seeded.kept }, 'PACS_DICOM_PEERS names peers an admin edited since: their version is kept');
    const peers = new PeerDirectory(db);
    await peers.load();
    const retrieve = { db, tiers: (name: string) => (name === hot.name ? hot : undefined), log: dicomLog };
    // Storage Commitment: reports on the requesting association, else on a new one to the peer.
    const commitment = createStorageCommitmentScp({ db, aeTitle: config.aeTitle, peers, log: dicomLog });
    const dicom = new DicomListener({
      host: config.host,
      port: config.dicomPort,
      aeTitle: config.aeTitle,
      log: dicomLog,
      services: [
        createEchoScp(),
        restrictStore(createStoreScp({ ingest, store: hot, log: dicomLog, onInstanceStored: opts.onInstanceStored }), peers, dicomLog),
        restrictFind(createFindScp({ db, aeTitle: config.aeTitle, log: dicomLog }), peers, dicomLog),
        createMoveScp({ ...retrieve, aeTitle: config.aeTitle }),
        createGetScp(retrieve),
        createWorklistFindScp({ db, log: dicomLog }),
        // MPPS: each N-CREATE / N-SET goes through the procedure-steps channel; answered after its commit.
        createMppsScp({ log: dicomLog, onStep: createProcedureStepDispatcher({ db, dispatch: (id, input) => engine.dispatch(id, input) }) }),
        commitment,
      ],
    });
    const dicomAddress = await dicom.start();
    stack.push({ name: 'dicom', stop: () => dicom.stop() });
    commitment.start();
    stack.push({ name: 'storage-commitment', stop: () => commitment.stop() });

    // "Study stable" events into the engine's dicom-events channel; a stopped channel holds them back.
    const stability = new StudyStabilityWatcher({
      db,
      log: dicomLog,
      quietMs: config.studyStableMs,
      announce: async (event) => {
        const r = await engine.dispatch('dicom-events', { text: JSON.stringify(event), source: { connector: 'dicom-archive', event: event.event } });
        return r.ok && r.value.status !== 'error';
      },
    });
    stability.start();
    stack.push({ name: 'study-stability', stop: () => stability.stop() });

    const api = new ApiRouter();
    registerAuthRoutes(api, db);
    registerUserRoutes(api, db);
    registerAuditRoutes(api, db);
    registerEngineRoutes(api, db, engine);
    registerDicomRoutes(api, db);
    registerWorklistRoutes(api, db);
    registerPeerRoutes(api, db, peers);
    registerReportRoutes(api, db, engine);

    // DICOMweb reads the same index and tiers; STOW-RS stores through the C-STORE ingest.
    const dicomWeb = dicomWebRouters({
      db,
      log: dicomLog,
      services: { db, storeFor: retrieve.tiers, log: dicomLog, ingest, stagingStore: hot, onInstanceStored: opts.onInstanceStored },
    });

    const metrics = createMetrics();
    registerEngineMetrics(metrics.registry, engine);
    const app = createHttpApp({
      db,
      log,
      api,
      metrics,
      readiness: [
        { name: 'channels', check: async () => (await engine.list()).every((c) => c.state === c.desiredState) },
        { name: 'dicom', check: async () => dicom.listening },
      ],
      adminUiDir: ADMIN_UI_DIR,
      version: VERSION,
      apiRouters: [{ path: '/api/channels', router: channelInboxRouter(db, engine) }],
      // FHIR R4: orders in through the fhir-orders channel, reads and searches from the worklist.
      protectedRouters: [
        { path: FHIR_BASE_PATH, router: fhirRouter({ db, engine, repo: createFhirOrderRepository(db), version: VERSION }) },
        { path: DICOMWEB_PATH, router: dicomWeb.dicomWeb },
        { path: WADO_URI_PATH, router: dicomWeb.wado },
      ],
      beforeAuth: config.corsOrigins.length ? [{ paths: [DICOMWEB_PATH, WADO_URI_PATH], handler: dicomWebCors(config.corsOrigins) }] : [],
    });
    const http: HttpListener = await listen(app, config.host, config.httpPort);
    stack.push({ name: 'http', stop: () => http.close() });
    const mllp = (await engine.summary('orders'))?.source.port;

    const hostForUrl = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
    const url = `http://${hostForUrl.includes(':') ? `[${hostForUrl}]` : hostForUrl}:${http.port}`;
    lock?.update({ url });
    log.info(
      { http: http.port, mllp, dicom: dicomAddress.port, aeTitle: config.aeTitle, version: VERSION, database: db.kind },
      `listening http=${http.port} mllp=${mllp ?? 'off'} dicom=${dicomAddress.port}`,
    );

    return { ports: { http: http.port, mllp, dicom: dicomAddress.port }, engine, url, db, log, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}
