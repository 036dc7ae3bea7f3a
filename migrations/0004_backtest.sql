CREATE TABLE `backtest_results` (
	`run_id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`ts` blob,
	`equity` blob,
	`trades` blob,
	`fills` blob,
	`logs` text DEFAULT '[]' NOT NULL,
	`sweep` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`run_id`) REFERENCES `backtest_runs`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `backtest_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`kind` text NOT NULL,
	`strategy_id` text NOT NULL,
	`strategy_version_id` text NOT NULL,
	`dataset_id` text NOT NULL,
	`range_from` integer,
	`range_to` integer,
	`params` text NOT NULL,
	`costs` text NOT NULL,
	`status` text NOT NULL,
	`error_code` text,
	`error_message` text,
	`metrics` text,
	`bars` integer,
	`trade_count` integer,
	`started_at` integer NOT NULL,
	`finished_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`strategy_id`) REFERENCES `strategies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`strategy_version_id`) REFERENCES `strategy_versions`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `backtest_runs_user_created` ON `backtest_runs` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `backtest_runs_user_strategy` ON `backtest_runs` (`user_id`,`strategy_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `strategies` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text DEFAULT '' NOT NULL,
	`template_id` text,
	`latest_version_id` text,
	`latest_version` integer DEFAULT 0 NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `strategies_user_updated` ON `strategies` (`user_id`,`updated_at`);--> statement-breakpoint
CREATE TABLE `strategy_versions` (
	`id` text PRIMARY KEY NOT NULL,
	`strategy_id` text NOT NULL,
	`user_id` text NOT NULL,
	`version` integer NOT NULL,
	`source` text NOT NULL,
	`note` text DEFAULT '' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer,
	FOREIGN KEY (`strategy_id`) REFERENCES `strategies`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`user_id`) REFERENCES `users`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `strategy_versions_strategy_version` ON `strategy_versions` (`strategy_id`,`version`);