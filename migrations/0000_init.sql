CREATE TABLE `app_meta` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `audit_log` (
	`id` text PRIMARY KEY NOT NULL,
	`ts` integer NOT NULL,
	`user_id` text NOT NULL,
	`action` text NOT NULL,
	`correlation_id` text NOT NULL,
	`outcome` text NOT NULL,
	`details` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `audit_log_user_ts` ON `audit_log` (`user_id`,`ts`);--> statement-breakpoint
CREATE INDEX `audit_log_user_action_ts` ON `audit_log` (`user_id`,`action`,`ts`);--> statement-breakpoint
CREATE TABLE `preferences` (
	`user_id` text PRIMARY KEY NOT NULL,
	`theme` text NOT NULL,
	`default_timeframe` text NOT NULL,
	`default_commission_per_trade` real NOT NULL,
	`default_commission_pct` real NOT NULL,
	`default_slippage_pct` real NOT NULL,
	`number_format` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `users` (
	`id` text PRIMARY KEY NOT NULL,
	`mode` text DEFAULT 'beginner' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer
);
