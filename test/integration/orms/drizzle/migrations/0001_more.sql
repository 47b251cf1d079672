ALTER TABLE "drz_migrated" ADD COLUMN "note" text;
--> statement-breakpoint
INSERT INTO "drz_migrated" ("label", "note") VALUES ('from 0001', 'second');
