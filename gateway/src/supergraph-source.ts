// The supergraph comes from a file and is reloaded when the file changes, without a restart.
// A supergraph the gateway cannot use is logged and the previous one stays in service.
import { readFileSync, watch } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { SupergraphManager } from '@apollo/gateway';
import type { Logger } from '@daas/kit';

export function fileSupergraph(
  path: string,
  log: Logger,
  onLoaded: (sdl: string) => void,
): SupergraphManager {
  return {
    async initialize({ update }) {
      const initial = readFileSync(path, 'utf8');
      onLoaded(initial);
      let last = initial;
      let timer: NodeJS.Timeout | null = null;
      // Watch the directory: editors and `pnpm compose` replace the file rather than write in place.
      const watcher = watch(dirname(path), (_event, file) => {
        if (file && file !== basename(path)) return;
        if (timer) clearTimeout(timer);
        timer = setTimeout(() => {
          let sdl: string;
          try {
            sdl = readFileSync(path, 'utf8');
          } catch (e) {
            log.error(
              { path, err: (e as Error).message },
              'supergraph file unreadable; keeping the current one',
            );
            return;
          }
          if (sdl === last) return;
          try {
            update(sdl);
            last = sdl;
            onLoaded(sdl);
            log.info({ path }, 'supergraph reloaded');
          } catch (e) {
            log.error(
              { path, err: (e as Error).message },
              'supergraph file is not a valid supergraph; keeping the current one',
            );
          }
        }, 150);
      });
      return {
        supergraphSdl: initial,
        cleanup: async () => {
          if (timer) clearTimeout(timer);
          watcher.close();
        },
      };
    },
  };
}
