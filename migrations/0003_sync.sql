CREATE TABLE `sync_messages` (
	`ts` text PRIMARY KEY NOT NULL,
	`tbl` text NOT NULL,
	`row_id` text NOT NULL,
	`col` text NOT NULL,
	`value` text NOT NULL,
	`pending` integer DEFAULT 1 NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sync_messages_cell_ts` ON `sync_messages` (`tbl`,`row_id`,`col`,`ts`);--> statement-breakpoint
CREATE INDEX `sync_messages_pending` ON `sync_messages` (`ts`) WHERE pending = 1;--> statement-breakpoint
CREATE TABLE `sync_state` (
	`key` text PRIMARY KEY NOT NULL,
	`value` text NOT NULL
);
