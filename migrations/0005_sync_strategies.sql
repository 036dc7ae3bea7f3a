DROP INDEX `strategy_versions_strategy_version`;--> statement-breakpoint
CREATE INDEX `strategy_versions_strategy_created` ON `strategy_versions` (`strategy_id`,`created_at`,`id`);