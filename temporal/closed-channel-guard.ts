import { InterceptingCall, Metadata, status, type Interceptor } from '@grpc/grpc-js';

const noop = () => undefined;

/** A call that never reaches the network and ends at once with CANCELLED. */
function cancelledCall(): InterceptingCall {
  const nowhere: ConstructorParameters<typeof InterceptingCall>[0] = {
    start: noop,
    sendMessage: noop,
    sendMessageWithContext: noop,
    halfClose: noop,
    cancelWithStatus: noop,
    startRead: noop,
    getPeer: () => '',
    getAuthContext: () => null,
  };
  return new InterceptingCall(nowhere, {
    start(_metadata, listener) {
      queueMicrotask(() => listener.onReceiveStatus({ code: status.CANCELLED, details: 'The Temporal connection is closed', metadata: new Metadata() }));
    },
    sendMessage: noop,
    halfClose: noop,
  });
}

/**
 * The SDK's retry interceptor retries on timers that `Connection.close()` does not clear, and a retry
 * that fires after close throws from its timer, killing the process. Placed below the retry
 * interceptor, this ends such an attempt with CANCELLED, a status the retry interceptor passes on.
 */
export const closedChannelGuard: Interceptor = (options, nextCall) => {
  try {
    return new InterceptingCall(nextCall(options));
  } catch (error) {
    if (error instanceof Error && error.message === 'Channel has been shut down') return cancelledCall();
    throw error;
  }
};
