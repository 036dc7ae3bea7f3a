CREATE TABLE `bar_chunks` (
	`dataset_id` text NOT NULL,
	`start_ts` real NOT NULL,
	`end_ts` real NOT NULL,
	`count` integer NOT NULL,
	`ts` blob NOT NULL,
	`open` blob NOT NULL,
	`high` blob NOT NULL,
	`low` blob NOT NULL,
	`close` blob NOT NULL,
	`volume` blob NOT NULL,
	PRIMARY KEY(`dataset_id`, `start_ts`)
);
--> statement-breakpoint
CREATE TABLE `data_imports` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`filename` text NOT NULL,
	`source` text NOT NULL,
	`status` text NOT NULL,
	`file_id` text,
	`dataset_id` text,
	`symbol` text,
	`timeframe` text,
	`file_size_bytes` integer,
	`rows_accepted` integer DEFAULT 0 NOT NULL,
	`rows_rejected` integer DEFAULT 0 NOT NULL,
	`duplicates` integer DEFAULT 0 NOT NULL,
	`rejections` text DEFAULT '{}' NOT NULL,
	`error_code` text,
	`error_message` text,
	`queued_at` integer NOT NULL,
	`started_at` integer,
	`finished_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer
);
--> statement-breakpoint
CREATE INDEX `data_imports_user_created` ON `data_imports` (`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `data_imports_status` ON `data_imports` (`status`);--> statement-breakpoint
CREATE TABLE `dataset_sources` (
	`dataset_id` text NOT NULL,
	`file_id` text NOT NULL,
	`import_id` text NOT NULL,
	`timezone` text NOT NULL,
	`seq` integer NOT NULL,
	PRIMARY KEY(`dataset_id`, `file_id`)
);
--> statement-breakpoint
CREATE INDEX `dataset_sources_file` ON `dataset_sources` (`file_id`);--> statement-breakpoint
CREATE TABLE `datasets` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`symbol` text NOT NULL,
	`timeframe` text NOT NULL,
	`first_ts` real NOT NULL,
	`last_ts` real NOT NULL,
	`row_count` integer NOT NULL,
	`source_file_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `datasets_user_symbol_tf_live` ON `datasets` (`user_id`,`symbol`,`timeframe`) WHERE deleted_at is null;--> statement-breakpoint
CREATE TABLE `user_files` (
	`id` text PRIMARY KEY NOT NULL,
	`user_id` text NOT NULL,
	`filename` text NOT NULL,
	`file_size_bytes` integer NOT NULL,
	`file_path` text NOT NULL,
	`mime_type` text NOT NULL,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer
);
--> statement-breakpoint
CREATE INDEX `user_files_user_id` ON `user_files` (`user_id`);--> statement-breakpoint
CREATE INDEX `user_files_live` ON `user_files` (`deleted_at`,`user_id`);