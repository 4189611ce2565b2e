import SwaggerParser from '@apidevtools/swagger-parser';
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

/**
 * Validates recorded simulator responses against the providers' own OpenAPI files in ../shared/specs/.
 * swagger-parser dereferences the documents (Swagger 2.0 and OpenAPI 3.x); Ajv checks the bodies
 * (draft-07 for Swagger 2.0 schemas, 2020-12 for OpenAPI 3.1+, as those versions specify).
 */

export const SPECS_DIR = join(__dirname, '..', '..', '..', 'shared', 'specs');

type Json = Record<string, unknown>;

export interface ContractResponse {
  method: string;
  /** The spec's path template, e.g. `/api/v2/gdpr/requests/{requestId}`. */
  pathTemplate: string;
  status: number;
  body: unknown;
}

export interface ContractCheck {
  ok: boolean;
  errors: string[];
}

export class OpenApiContract {
  private readonly ajv: Ajv;

  private constructor(
    readonly file: string,
    private readonly doc: Json,
    private readonly swagger2: boolean,
  ) {
    this.ajv = swagger2 ? new Ajv({ strict: false, allErrors: true }) : new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.ajv);
  }

  static async load(file: string): Promise<OpenApiContract> {
    const raw = readFileSync(join(SPECS_DIR, file), 'utf8');
    const doc = (file.endsWith('.json') ? JSON.parse(raw) : parseYaml(raw)) as Json;
    // OpenAPI 3.2 keeps 3.1's schema dialect; the parser only knows 3.0/3.1 version strings.
    if (typeof doc.openapi === 'string' && doc.openapi.startsWith('3.2')) doc.openapi = '3.1.0';
    const deref = (await SwaggerParser.dereference(doc as never)) as unknown as Json;
    return new OpenApiContract(file, deref, typeof doc.swagger === 'string');
  }

  /** The JSON schema the spec declares for that response, or undefined when it declares no body. */
  responseSchema(method: string, pathTemplate: string, status: number): unknown {
    const paths = this.doc.paths as Record<string, Record<string, Json>>;
    const op = paths[pathTemplate]?.[method.toLowerCase()];
    if (!op) throw new Error(`${this.file}: no operation ${method.toUpperCase()} ${pathTemplate}`);
    const responses = op.responses as Record<string, Json>;
    const response = responses[String(status)] ?? responses.default;
    if (!response) throw new Error(`${this.file}: ${method.toUpperCase()} ${pathTemplate} declares no ${status} response`);
    if (this.swagger2) return response.schema;
    const content = response.content as Record<string, Json> | undefined;
    return content?.['application/json']?.schema;
  }

  check(response: ContractResponse): ContractCheck {
    const schema = this.responseSchema(response.method, response.pathTemplate, response.status);
    if (schema === undefined) {
      const empty = response.body === undefined || response.body === '';
      return { ok: empty, errors: empty ? [] : ['the spec declares no body for this response'] };
    }
    const validate = this.ajv.compile(schema as object);
    const ok = validate(response.body);
    return {
      ok: Boolean(ok),
      errors: (validate.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? ''}`.trim()),
    };
  }
}
