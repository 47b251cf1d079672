CREATE TABLE "drz_migrated" (
	"id" serial PRIMARY KEY NOT NULL,
	"label" text NOT NULL
);
--> statement-breakpoint
INSERT INTO "drz_migrated" ("label") VALUES ('from 0000');
