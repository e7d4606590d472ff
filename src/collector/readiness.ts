/**
 * `GET /readyz`: can this collector store a report now? One trivial query,
 * answered within a short deadline. Probes that arrive while a check is in
 * flight share it, so a burst of probes against a frozen database costs one
 * query, not one each.
 */
export interface Readiness {
  /** Resolves with whether the database answered within the deadline; never rejects. */
  check(): Promise<boolean>;
}

export function createReadiness(ping: () => Promise<void>, deadlineMs: number): Readiness {
  let inFlight: Promise<boolean> | undefined;
  const checkOnce = async (): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), deadlineMs)));
    const answered = ping().then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([answered, late]);
    } finally {
      clearTimeout(timer);
    }
  };
  return {
    check() {
      inFlight ??= checkOnce().finally(() => (inFlight = undefined));
      return inFlight;
    },
  };
}
