import type { MigrationInterface } from 'typeorm';
import { InitialSchema1763900000000 } from './1763900000000-initial-schema.js';

type MigrationClass = new () => MigrationInterface;

/** Every migration, oldest first. Append; never edit one that has shipped. */
export const dbMigrations: MigrationClass[] = [InitialSchema1763900000000];
