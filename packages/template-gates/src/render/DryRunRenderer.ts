import { request as httpRequest } from 'node:http';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import scaffolderPlugin from '@backstage/plugin-scaffolder-backend';
import gitlabModule from '@backstage/plugin-scaffolder-backend-module-gitlab';
import fleetdeckModule from '@fleetdeck/plugin-scaffolder-backend-module-fleetdeck';
import { TemplateFolder } from '../TemplateFolder';

/** A step's input as the scaffolder rendered it (secrets redacted), before it ran or skipped the step. */
export interface StepInput {
  stepId: string;
  action: string;
  input: unknown;
}

/** The files the scaffolder produced, by path relative to the workspace, plus the step log. */
export interface Rendering {
  files: Map<string, Buffer>;
  log: string[];
  output: Record<string, unknown>;
  /** Every step's rendered input, in step order: also the steps the dry-run skips (publish:*, catalog:*). */
  stepInputs: StepInput[];
}

// The dry-run logs each step's rendered input before it runs or skips the step (after a coloured `info: `).
const DRY_RUN_INPUT =
  /Running (\S+) in dry-run mode with inputs \(secrets redacted\): ([^]*)$/;

/**
 * POSTs JSON on a fresh connection. The gates pause for seconds between renders, longer than the server keeps an
 * idle connection open, and a reused keep-alive socket would then fail; one connection per render avoids that.
 */
function requestJson(
  url: string,
  payload: unknown,
  authorization: string,
): Promise<{ status: number; answer: unknown }> {
  const body =
    payload === undefined ? undefined : Buffer.from(JSON.stringify(payload));
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method: body ? 'POST' : 'GET',
        agent: false,
        headers: {
          ...(body
            ? {
                'Content-Type': 'application/json',
                'Content-Length': body.length,
              }
            : {}),
          Authorization: authorization,
        },
      },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', chunk => chunks.push(chunk));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let answer: unknown = text;
          try {
            answer = JSON.parse(text);
          } catch {
            // not JSON: keep the text for the error message
          }
          resolve({ status: res.statusCode ?? 0, answer });
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** What the scaffolder answered when it refused to run (the form's validation, a template error). */
export class RenderError extends Error {
  constructor(readonly status: number, readonly body: unknown) {
    super(`the scaffolder answered ${status}: ${JSON.stringify(body)}`);
    this.name = 'RenderError';
  }
}

/**
 * Renders templates with the real scaffolder: a test backend with @backstage/plugin-scaffolder-backend and the
 * action modules the templates use (GitLab, Fleetdeck), called on its dry-run route exactly as the template
 * editor calls it. Steps without dry-run support (publish:gitlab, catalog:register, fleetdeck:*) are resolved,
 * their inputs rendered, and then skipped by the scaffolder itself.
 */
export class DryRunRenderer {
  private constructor(
    private readonly baseUrl: string,
    private readonly stopBackend: () => Promise<void>,
  ) {}

  /** Starts the backend. `gitlabHosts` are the GitLab integrations the templates may publish to. */
  static async start(options: {
    gitlabHosts: string[];
  }): Promise<DryRunRenderer> {
    const backend = await startTestBackend({
      features: [
        scaffolderPlugin,
        gitlabModule,
        fleetdeckModule,
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            backend: { baseUrl: 'http://localhost:7007' },
            integrations: {
              gitlab: options.gitlabHosts.map(host => ({
                host,
                apiBaseUrl: `https://${host}/api/v4`,
                token: 'gates-do-not-publish',
              })),
            },
          },
        }),
      ],
    });
    return new DryRunRenderer(`http://localhost:${backend.server.port()}`, () =>
      backend.stop(),
    );
  }

  /** Renders `folder` with `values`; throws RenderError when the scaffolder refuses. */
  async render(
    folder: TemplateFolder,
    values: Record<string, unknown>,
  ): Promise<Rendering> {
    const { status, answer } = await requestJson(
      `${this.baseUrl}/api/scaffolder/v2/dry-run`,
      {
        template: folder.template,
        values,
        directoryContents: folder.files.map(file => ({
          path: file.path,
          base64Content: file.content.toString('base64'),
        })),
      },
      // A service principal: the dry-run then does not look the user up in the catalog.
      mockCredentials.service.header(),
    );
    if (status !== 200) {
      throw new RenderError(status, answer);
    }
    const body = answer as {
      log: Array<{
        body: { message: string; status?: string; stepId?: string };
      }>;
      output: Record<string, unknown>;
      directoryContents: Array<{ path: string; base64Content: string }>;
    };
    const failed = body.log.find(entry => entry.body.status === 'failed');
    if (failed) {
      throw new RenderError(200, failed.body);
    }
    return {
      files: new Map(
        body.directoryContents.map(file => [
          file.path,
          Buffer.from(file.base64Content, 'base64'),
        ]),
      ),
      log: body.log.map(entry => entry.body.message),
      output: body.output,
      stepInputs: body.log.flatMap(entry => {
        const match = DRY_RUN_INPUT.exec(entry.body.message);
        return match && entry.body.stepId
          ? [
              {
                stepId: entry.body.stepId,
                action: match[1],
                input: JSON.parse(match[2]),
              },
            ]
          : [];
      }),
    };
  }

  /** The input JSON schema of every action the scaffolder has registered, by action id. */
  async actionInputSchemas(): Promise<Map<string, Record<string, unknown>>> {
    const { status, answer } = await requestJson(
      `${this.baseUrl}/api/scaffolder/v2/actions`,
      undefined,
      mockCredentials.service.header(),
    );
    if (status !== 200) throw new RenderError(status, answer);
    return new Map(
      (
        answer as Array<{
          id: string;
          schema?: { input?: Record<string, unknown> };
        }>
      ).flatMap(action =>
        action.schema?.input ? [[action.id, action.schema.input]] : [],
      ),
    );
  }

  async stop(): Promise<void> {
    await this.stopBackend();
  }
}
