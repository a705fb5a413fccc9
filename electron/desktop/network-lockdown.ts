// The desktop window needs no network of its own: its page and cards come from the app:// and
// stratus-card:// schemes, and all Azure and MLflow traffic is made by main. WebRTC is the one way a
// page reaches the network past the CSP, so it is shut at the browser level as well as in the card
// (card-guard.ts): no UDP that does not go through a proxy, and a proxy that goes nowhere, loopback
// included, for everything else (TURN over TCP among it).

/** Chromium's WebRTC IP handling policy: only proxied connections, so no direct UDP. */
export const WEBRTC_IP_HANDLING_POLICY = 'disable_non_proxied_udp';

/**
 * The window session's proxy: the discard port on loopback, which nothing serves by default, for every URL;
 * `<-loopback>` removes Chromium's implicit bypass, so loopback is not reachable directly either.
 */
export const NO_NETWORK_PROXY = {
  mode: 'fixed_servers',
  proxyRules: 'http://127.0.0.1:9',
  proxyBypassRules: '<-loopback>',
} as const;
