DROP TABLE support_policy;
