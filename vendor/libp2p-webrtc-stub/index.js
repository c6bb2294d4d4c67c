// crowdtrain composes libp2p with TCP only; WebRTC transports are not shipped.
function unavailable(name) {
  return () => {
    throw new Error(`${name} is not available in crowdtrain: its libp2p node uses TCP only`)
  }
}
export const webRTC = unavailable('webRTC')
export const webRTCDirect = unavailable('webRTCDirect')
