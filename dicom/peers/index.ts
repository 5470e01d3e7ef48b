// The DICOM peers registry: the store behind /api/peers, its seeding from PACS_DICOM_PEERS, the
// in-memory directory the DIMSE services read, and the permission checks around storage and query.
// Re-exported by dicom/index.ts; other folders import that.
export { createPeer, deletePeer, findPeerByAeTitle, getPeer, listPeers, PEER_FAILURES, PEER_SORTS, seedPeers, updatePeer } from './peer-store.ts';
export type { Peer, PeerChanges, PeerDb, PeerError, PeerInput, PeerListQuery, PeerPermissions, PeerSort, PeerSource, SeedOutcome, SeedPeer } from './peer-store.ts';
export { PeerDirectory } from './peer-directory.ts';
export { NOT_AUTHORIZED, restrictFind, restrictStore } from './peer-access.ts';
