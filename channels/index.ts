// The shipped channels' public surface.
export { registerChannelFunctions, shippedChannels } from './shipped-channels.ts';
