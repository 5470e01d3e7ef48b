// Byte-level MLLP transport: framing, de-framing, listener and sender. No HL7 parsing or charsets.
export { CR, FS, VT, frameMllp } from './mllp-frame.ts';
export { MLLP_DEFAULT_MAX_FRAME_BYTES, MllpFrameDecoder } from './mllp-frame-decoder.ts';
export type { MllpDecodeEvent, MllpFrameDecoderOptions } from './mllp-frame-decoder.ts';
export { MLLP_DEFAULT_IDLE_TIMEOUT_MS, MLLP_DEFAULT_STOP_GRACE_MS, startMllpListener } from './mllp-listener.ts';
export type { MllpConnectionMeta, MllpHandler, MllpListener, MllpListenerOptions, MllpListenerTlsOptions } from './mllp-listener.ts';
export { MLLP_DEFAULT_CONNECT_TIMEOUT_MS, MLLP_DEFAULT_RESPONSE_TIMEOUT_MS, MLLP_SEND_ERROR_CODES, MllpSender } from './mllp-sender.ts';
export type { MllpSendError, MllpSendErrorCode, MllpSenderOptions, MllpSenderTlsOptions } from './mllp-sender.ts';
