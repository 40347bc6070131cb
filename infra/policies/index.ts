/**
 * CrossGuard policy pack, the entry `npm run build` bundles into `dist/policy-pack/` (see
 * scripts/build-policy-pack.ts): `pulumi up --policy-pack dist/policy-pack`. Every rule is
 * mandatory — a violation stops the update. The rules themselves live in rules.ts (importing this file starts
 * the analyzer server, so tests import rules.ts).
 */
import { PolicyPack } from '@pulumi/policy';
import { POLICIES } from './rules.js';

new PolicyPack('serverless-ir-security', { enforcementLevel: 'mandatory', policies: POLICIES });
