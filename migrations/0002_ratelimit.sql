CREATE TABLE `rate_limit_categories` (
	`category` text PRIMARY KEY NOT NULL,
	`limit` integer NOT NULL,
	`period_ms` integer NOT NULL,
	`burst` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `rate_limit_settings` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
