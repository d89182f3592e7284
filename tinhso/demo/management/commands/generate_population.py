from django.core.management.base import BaseCommand

from tinhso.demo import population as synthetic


class Command(BaseCommand):
    help = "Write synthetic population records with known duplicates (and the truth beside them)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--output", required=True)
        parser.add_argument("--noise", type=float, default=1.0, help="scales every fault rate")
        parser.add_argument("--dup-rate", type=float, default=0.05)
        parser.add_argument(
            "--required-only",
            action="store_true",
            help="only the contract's required columns (no birth place, hometown, parents, ethnicity)",
        )

    def handle(self, *args, rows, seed, output, noise, dup_rate, required_only, **options):
        rates = synthetic.Rates(noise=noise, dup_rate=dup_rate)
        truth = synthetic.write(
            output, rows=rows, seed=seed, rates=rates, optional=not required_only
        )
        self.stdout.write(f"{rows} records in {output}, truth in {truth}")
