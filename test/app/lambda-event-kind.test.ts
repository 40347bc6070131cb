/** The Lambda adapter's event classifier on the event shapes AWS documents, and on broken ones. */
import assert from 'node:assert/strict';
import { classifyEvent } from '../../runtime/lambda/event-kind.js';
import {
  MALFORMED,
  OTHER_TRIGGERS,
  apiGatewayV1,
  apiGatewayV2,
} from '../fixtures/lambda-events.js';

describe('lambda: event classification', () => {
  it('takes API Gateway payload 2.0 and 1.0 requests, with and without bodies', () => {
    assert.deepEqual(classifyEvent(apiGatewayV2('GET', '/search', 'q=a')), {
      kind: 'api-gateway',
      format: '2.0',
    });
    assert.deepEqual(classifyEvent(apiGatewayV2('POST', '/search', '', '{"q":"a"}')), {
      kind: 'api-gateway',
      format: '2.0',
    });
    assert.deepEqual(classifyEvent(apiGatewayV1('GET', '/documents/d1', { x: '1' })), {
      kind: 'api-gateway',
      format: '1.0',
    });
    const plainBody = {
      ...apiGatewayV2('POST', '/search', ''),
      body: '{"q":"a"}',
      isBase64Encoded: false,
    };
    assert.equal(classifyEvent(plainBody).kind, 'api-gateway');
  });

  for (const { name, event, names } of OTHER_TRIGGERS) {
    it(`refuses ${name}, naming it`, () => {
      const kind = classifyEvent(event);
      assert.equal(kind.kind, 'unsupported');
      assert.match(`refusing ${(kind as { got: string }).got}`, names);
    });
  }

  for (const { name, event, field } of MALFORMED) {
    it(`calls ${name} malformed, naming ${field}`, () => {
      const kind = classifyEvent(event);
      assert.equal(kind.kind, 'malformed', JSON.stringify(kind));
      assert.equal((kind as { field: string }).field, field);
    });
  }
});
