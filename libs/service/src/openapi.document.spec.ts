import { Controller, Get, HttpCode, Module, Param, Post } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import { Validator } from '@seriousme/openapi-schema-validator';
import { reply, type HttpReplyEnvelope, type HttpRequestEnvelope } from '@meshway/transport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { bootstrapService, type RunningService } from './bootstrap-service.js';
import { errorBodySchema } from './error-body.schema.js';
import { HttpEnvelopePipe } from './http-envelope.pipe.js';
import { parseInput } from './input.parser.js';
import { MeshwayServiceModule } from './meshway-service.module.js';
import { PatternDoc } from './pattern-doc.decorator.js';
import type { ServiceOptions } from './service.options.js';
import { ApiZodResponse, ZodBody, ZodQuery } from './zod-openapi.decorators.js';

const createNote = z.object({ text: z.string().min(1).max(280), tags: z.array(z.string()).max(5).optional() });
const note = z.object({ id: z.string(), text: z.string(), tags: z.array(z.string()) }).meta({ id: 'Note', description: 'A note.' });
const listQuery = z.object({ tag: z.string().optional() });
const shareRequest = z.object({ with: z.email() });
const share = z.object({ noteId: z.string(), with: z.string() }).meta({ id: 'Share' });

/** An HTTP controller described with the zod decorators. */
@Controller('notes')
class NotesController {
  @Post()
  @HttpCode(201)
  @ApiZodResponse(201, note)
  @ApiZodResponse(400, errorBodySchema, 'Invalid note')
  create(@ZodBody(createNote) input: z.infer<typeof createNote>): z.infer<typeof note> {
    return { id: '1', text: input.text, tags: input.tags ?? [] };
  }

  @Get()
  @ApiZodResponse(200, z.array(note))
  list(@ZodQuery(listQuery) query: z.infer<typeof listQuery>): z.infer<typeof note>[] {
    return query.tag === undefined ? [] : [{ id: '1', text: 'tagged', tags: [query.tag] }];
  }

  @Get(':id')
  @ApiZodResponse(200, note)
  @ApiZodResponse(404, errorBodySchema)
  get(@Param('id') id: string): z.infer<typeof note> {
    return { id, text: 'found', tags: [] };
  }
}

/** A NATS handler described with @PatternDoc, reached through an announced route. */
@Controller()
class ShareHandler {
  @MessagePattern('notes.share')
  @PatternDoc({ summary: 'Share a note', body: shareRequest, responses: { 201: share, 400: errorBodySchema } })
  share(@Payload(HttpEnvelopePipe) request: HttpRequestEnvelope): HttpReplyEnvelope {
    const input = parseInput(shareRequest, request.body);
    return reply(201, { noteId: request.params.id, with: input.with });
  }
}

const options: ServiceOptions = {
  name: 'notes',
  version: '3.2.1',
  transport: 'nats',
  routes: [{ methods: [], path: '/api/notes' }, { methods: [], path: '/api/notes/*' }, { methods: ['POST'], path: '/api/notes/:id/share', subject: 'notes.share' }],
  stripPrefix: '/api',
};

@Module({ imports: [MeshwayServiceModule.forRoot(options)], controllers: [NotesController, ShareHandler] })
class NotesModule {}

interface Document {
  openapi: string;
  info: Record<string, unknown>;
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: { schemas: Record<string, unknown> };
}

describe('GET /openapi.json: a service describes itself (real app, port 0)', () => {
  const env = { ...process.env };
  let running: RunningService;
  let doc: Document;

  beforeAll(async () => {
    Object.assign(process.env, { LOG_LEVEL: 'warn', MESHWAY_REGISTER: 'false', MESHWAY_TRANSPORT: 'http', PORT: '0' });
    running = await bootstrapService(NotesModule, options);
    const response = await fetch(`${running.url}/openapi.json`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    doc = (await response.json()) as Document;
  });

  afterAll(async () => {
    await running.close();
    process.env = { ...env };
  });

  it('is a valid OpenAPI 3.1 document titled with the service name and version', async () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toEqual({ title: 'notes', version: '3.2.1' });
    const result = await new Validator().validate(structuredClone(doc) as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('describes HTTP routes with their zod body, query and answers, and leaves /health and /info out', () => {
    expect(Object.keys(doc.paths).sort()).toEqual(['/notes', '/notes/{id}', '/notes/{id}/share']);
    expect(doc.paths['/notes']?.post).toMatchObject({
      requestBody: {
        required: true,
        content: { 'application/json': { schema: { type: 'object', properties: { text: { type: 'string', minLength: 1, maxLength: 280 }, tags: { type: 'array', maxItems: 5 } }, required: ['text'] } } },
      },
      responses: {
        201: { description: 'Created', content: { 'application/json': { schema: { $ref: '#/components/schemas/Note' } } } },
        400: { description: 'Invalid note', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } } },
      },
    });
    expect(doc.paths['/notes']?.get?.parameters).toEqual([{ name: 'tag', in: 'query', required: false, schema: { type: 'string' } }]);
    expect(doc.paths['/notes/{id}']?.get).toMatchObject({ parameters: [{ name: 'id', in: 'path', required: true }], responses: { 200: {}, 404: {} } });
    expect(doc.components.schemas).toMatchObject({ Note: { type: 'object', description: 'A note.', required: ['id', 'text', 'tags'] }, ErrorBody: { type: 'object' } });
  });

  it('describes a NATS pattern at the path its announced route is forwarded to, with its subject', () => {
    expect(doc.paths['/notes/{id}/share']?.post).toEqual({
      operationId: 'notes.share',
      summary: 'Share a note',
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
      requestBody: { required: true, content: { 'application/json': { schema: expect.objectContaining({ properties: { with: expect.objectContaining({ format: 'email' }) } }) } } },
      responses: {
        201: { description: 'Created', content: { 'application/json': { schema: { $ref: '#/components/schemas/Share' } } } },
        400: { description: 'Bad Request', content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBody' } } } },
      },
      'x-meshway-subject': 'notes.share',
    });
    expect(doc.components.schemas.Share).toMatchObject({ properties: { noteId: { type: 'string' }, with: { type: 'string' } } });
  });

  it('documents what the service serves: the described paths answer, and bad input is refused as documented', async () => {
    const post = (path: string, body: unknown) => fetch(`${running.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect(await (await post('/notes', { text: 'hi' })).json()).toEqual({ id: '1', text: 'hi', tags: [] });
    const bad = await post('/notes', { text: '' });
    expect(bad.status).toBe(400);
    expect(errorBodySchema.safeParse(await bad.json()).success).toBe(true);
    expect(await (await fetch(`${running.url}/notes?tag=x`)).json()).toEqual([{ id: '1', text: 'tagged', tags: ['x'] }]);
    const shared = await post('/notes/7/share', { with: 'ada@example.com' });
    expect(shared.status).toBe(201);
    expect(await shared.json()).toEqual({ noteId: '7', with: 'ada@example.com' });
  });
});
