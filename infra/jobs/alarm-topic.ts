/**
 * AlarmTopic: where the dead-letter alarms send their e-mail (config `jobsAlarmEmail`).
 *
 * The topic is encrypted at rest with a key of its own: CloudWatch can publish to an encrypted
 * topic only if the key's policy lets it use the key, and the AWS managed key `aws/sns` has a
 * policy no one can change (AWS SNS docs, "Enable compatibility between event sources from AWS
 * services and encrypted topics"). The key costs $1 a month, which is why the topic exists only
 * when someone asked for the e-mail. Both the key and the topic admit CloudWatch for this
 * account's alarms only (`aws:SourceAccount`, `aws:SourceArn`), against the confused deputy.
 */
import * as aws from '@pulumi/aws';
import * as pulumi from '@pulumi/pulumi';
import { alarmTopicKeyPolicy, alarmTopicPolicy, toJson } from '../policy-documents.js';

export interface AlarmTopicArgs {
  email: string;
  region: string;
}

export class AlarmTopic extends pulumi.ComponentResource {
  public readonly topicArn: pulumi.Output<string>;

  constructor(name: string, args: AlarmTopicArgs, opts?: pulumi.ComponentResourceOptions) {
    super('serverless-ir:infra:AlarmTopic', name, {}, opts);
    const parent = { parent: this };
    const caller = aws.getCallerIdentityOutput({}, parent);
    const key = new aws.kms.Key(
      `${name}-key`,
      {
        description: 'serverless-ir jobs: encrypts the dead-letter alarm topic',
        enableKeyRotation: true,
        deletionWindowInDays: 7,
        policy: caller.accountId.apply((accountId) =>
          toJson(alarmTopicKeyPolicy({ accountId, region: args.region })),
        ),
      },
      parent,
    );
    const topic = new aws.sns.Topic(
      `${name}-topic`,
      { displayName: 'serverless-ir job alarms', kmsMasterKeyId: key.arn },
      parent,
    );
    new aws.sns.TopicPolicy(
      `${name}-topic-policy`,
      {
        arn: topic.arn,
        policy: pulumi
          .all([topic.arn, caller.accountId])
          .apply(([topicArn, accountId]) =>
            toJson(alarmTopicPolicy({ topicArn, accountId, region: args.region })),
          ),
      },
      parent,
    );
    // E-mail subscriptions wait for the recipient to confirm; Pulumi does not wait for that.
    new aws.sns.TopicSubscription(
      `${name}-email`,
      { topic: topic.arn, protocol: 'email', endpoint: args.email },
      parent,
    );
    this.topicArn = topic.arn;
    this.registerOutputs({ topicArn: this.topicArn });
  }
}
