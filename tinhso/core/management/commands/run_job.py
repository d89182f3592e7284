from django.core.management.base import BaseCommand, CommandError

from tinhso.core import jobs
from tinhso.core.models import Job


class Command(BaseCommand):
    help = "Chạy (lại) một công việc nền / run a background job again, e.g. after a restart."

    def add_arguments(self, parser):
        parser.add_argument("job_id", type=int)

    def handle(self, *args, job_id, **options):
        if not Job.objects.filter(pk=job_id).exists():
            raise CommandError(f"no job {job_id}")
        job = jobs.run(job_id)
        self.stdout.write(f"job {job.pk}: {job.state}, {job.done} done, {job.failed} failed")
