import { describe, expect, it } from 'vitest';
import { daysUntilCritical, migrationUrgency, vectorGrowthPerDay } from '../../../core/jobs/migration-urgency.ts';

describe('migration urgency (400k warning / 500k critical)', () => {
  it('rises to 50 at the warning threshold and to 100 at the critical one', () => {
    expect(migrationUrgency(0)).toEqual({ score: 0, level: 'ok' });
    expect(migrationUrgency(200_000)).toEqual({ score: 25, level: 'ok' });
    expect(migrationUrgency(400_000)).toEqual({ score: 50, level: 'ok' });
    expect(migrationUrgency(450_000)).toEqual({ score: 75, level: 'approaching' });
    expect(migrationUrgency(500_000)).toEqual({ score: 100, level: 'approaching' });
    expect(migrationUrgency(500_001)).toEqual({ score: 100, level: 'critical' });
  });

  it('is 0 once the live index is IVF', () => {
    expect(migrationUrgency(800_000, { indexKind: 'IVF2048,Flat' })).toEqual({ score: 0, level: 'migrated' });
  });

  it('estimates the days until the critical threshold from the growth of stored versions', () => {
    const history = [
      { created: '2024-01-01T00:00:00.000Z', count: 100_000 },
      { created: '2024-01-11T00:00:00.000Z', count: 200_000 },
    ];
    expect(daysUntilCritical(history)).toBe(30);
    expect(daysUntilCritical([history[0]!])).toBeNull();
    expect(daysUntilCritical([history[1]!, { created: '2024-01-21T00:00:00.000Z', count: 150_000 }])).toBeNull();
  });

  it('measures growth per day between the oldest and newest version, whatever order they come in', () => {
    const history = [
      { created: '2024-01-05T00:00:00.000Z', count: 140_000 },
      { created: '2024-01-11T00:00:00.000Z', count: 200_000 },
      { created: '2024-01-01T00:00:00.000Z', count: 100_000 },
    ];
    expect(vectorGrowthPerDay(history)).toBe(10_000);
    expect(daysUntilCritical(history)).toBe(30);
    expect(vectorGrowthPerDay([history[0]!])).toBeNull();
    expect(vectorGrowthPerDay([history[0]!, { ...history[0]!, count: 150_000 }])).toBeNull();
    expect(vectorGrowthPerDay([history[1]!, { created: '2024-01-21T00:00:00.000Z', count: 150_000 }])).toBe(-5_000);
    expect(daysUntilCritical([history[2]!, { created: '2024-01-02T00:00:00.000Z', count: 600_000 }])).toBe(0);
  });
});
