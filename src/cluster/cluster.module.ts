import { Module } from '@nestjs/common';
import { LeaseModule } from '../lease/lease.module';
import { ClusterResolver } from './cluster.resolver';

@Module({ imports: [LeaseModule], providers: [ClusterResolver] })
export class ClusterModule {}
