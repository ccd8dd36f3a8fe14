DROP TABLE support_duty;
